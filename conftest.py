"""nbval settings for every notebook, the chapters and the book's pages:
stderr is not compared (library warnings and native log lines vary)."""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
