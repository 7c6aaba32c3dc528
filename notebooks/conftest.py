"""nbval settings for the chapter notebooks: stderr is not compared
(library warnings vary)."""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
