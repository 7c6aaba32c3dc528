"""nbval settings for the book's notebook pages, as for the chapters: stderr
is not compared (library warnings and native log lines vary)."""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
