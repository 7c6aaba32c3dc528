"""nbval settings for the chapter notebooks: stderr (library warnings) is not compared."""


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += ("stderr",)
