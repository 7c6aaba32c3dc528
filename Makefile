# seqecho: build the book, run every test, author the notebooks.
#   make book       build the website into _build/html (strict: any warning fails)
#   make test       lint, then unit tests, notebook checks (nbval) and browser tests
#   make lint       ruff: lint and formatting of the package, tests, scripts and notebooks
#   make lab        open the notebooks in JupyterLab (make lab-jax, make lab-torch: on that backend)
#   make notebooks  re-execute every notebook in place, storing its outputs
#   make experiments  re-run the long experiments the chapters read (ONLY="ch3_one_step_budget ..." for some)
#   make bench      speed and reliability of every chapter's model (BENCH_ARGS=--quick for a short run)
#   make bench-chapters  how long each chapter takes to run, top to bottom (benchmarks/chapters.json)
#   make test-backends  unit tests and every notebook on JAX and on PyTorch (one .venv-<backend> each)
#   make test-under-load  make test with two CPU-burning processes beside it (a busy laptop)
#   make test-latest  unit tests and chapters 2, 3, 7 on the newest Keras, TensorFlow, JAX, PyTorch,
#                   NumPy and pandas from the registry, on each backend (.venv-latest)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb)) book/speed_and_reliability.ipynb \
	book/troubleshooting.ipynb
BACKENDS  := jax torch
# The notebooks test-jax and test-torch run (CI runs a subset on PyTorch, the slowest).
BACKEND_NOTEBOOKS ?= $(NOTEBOOKS)
# Tests run on parallel workers (pytest-xdist), one whole notebook per worker (loadscope keeps a
# notebook's cells, which depend on each other, in one kernel): one worker per core, at most 4.
WORKERS ?= auto
PARALLEL := -n $(WORKERS) --maxprocesses=4 --dist loadscope
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: book test lint unit nbval browser chromium lab notebooks bench bench-chapters clean \
	test-backends $(addprefix test-,$(BACKENDS)) $(addprefix lab-,$(BACKENDS)) \
	test-under-load test-latest experiments

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# One environment per extra Keras backend, from its pinned requirements-<backend>.txt.
$(VENV)-%/.installed: requirements-%.txt requirements.txt pyproject.toml
	test -x $(VENV)-$*/bin/python || $(PYTHON) -m venv $(VENV)-$*
	$(VENV)-$*/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-$*.txt
	$(VENV)-$*/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

book: $(STAMP)
	$(BIN)/jupyter-book build . --all --builder html -W -n --keep-going

# Every test: lint, unit tests, notebook checks, nbval over every chapter, and the built site in Chromium.
test: $(STAMP) lint chromium book
	$(BIN)/python -m pytest tests $(NOTEBOOKS) --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg --durations=10 $(PARALLEL)

# The same unit tests and notebooks on another backend. The stored outputs are TensorFlow's,
# so nbval runs lax there (every cell must run, every assert must hold; outputs not compared).
test-backends: $(addprefix test-,$(BACKENDS))

# One OpenMP thread per worker: PyTorch's thread pools, one per worker, otherwise fight over the
# cores (chapters 3 and 7 on 2 workers took over 18 minutes instead of 2).
$(addprefix test-,$(BACKENDS)): test-%: $(VENV)-%/.installed
	KERAS_BACKEND=$* OMP_NUM_THREADS=1 $(VENV)-$*/bin/python -m pytest tests --ignore=tests/browser $(BACKEND_NOTEBOOKS) \
		--nbval-lax --nbval-current-env --durations=5 $(PARALLEL)

# The whole suite on a busy machine: nothing in it may depend on timing or on a race.
test-under-load:
	bash scripts/under_load.sh $(MAKE) test

# Tomorrow's versions: the newest releases of the libraries readers upgrade (LATEST), everything
# else as pinned, in .venv-latest; each backend (LATEST_BACKENDS) runs the unit tests and
# LATEST_NOTEBOOKS with nbval-lax, each run bounded by LATEST_LIMIT seconds. Not part of CI
# (it downloads, and changes by itself as releases appear).
LATEST := keras tensorflow jax jaxlib torch numpy pandas
LATEST_NOTEBOOKS ?= notebooks/02_echo_current_value.ipynb notebooks/03_stateful_mistake.ipynb \
	notebooks/07_teacher_forcing.ipynb
LATEST_LIMIT ?= 1800
LATEST_BACKENDS ?= tensorflow jax torch
$(VENV)-latest/.installed: requirements.txt pyproject.toml
	test -x $(VENV)-latest/bin/python || $(PYTHON) -m venv $(VENV)-latest
	grep -vE '^($(subst $(eval) ,|,$(LATEST)))==' requirements.txt > $(VENV)-latest/pinned.txt
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check -r $(VENV)-latest/pinned.txt
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check --upgrade $(LATEST)
	$(VENV)-latest/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

test-latest: $(VENV)-latest/.installed
	$(VENV)-latest/bin/python -m pip list --disable-pip-version-check 2>/dev/null | grep -iwE '$(subst $(eval) ,|,$(LATEST))'
	@status=0; for backend in $(LATEST_BACKENDS); do \
		echo "== $$backend"; \
		KERAS_BACKEND=$$backend OMP_NUM_THREADS=1 timeout $(LATEST_LIMIT) $(VENV)-latest/bin/python -m pytest \
			tests --ignore=tests/browser $(LATEST_NOTEBOOKS) --nbval-lax --nbval-current-env \
			--durations=5 $(PARALLEL) || status=1; \
	done; exit $$status

# Ruff's settings (line length to fit the book's code column, rules) are in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser

nbval: $(STAMP)
	$(BIN)/python -m pytest $(NOTEBOOKS) --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg $(PARALLEL)

browser: $(STAMP) chromium book
	$(BIN)/python -m pytest tests/browser

# Browser tests use Debian's Chromium (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
		else echo "Chromium is missing: sudo apt-get install chromium" >&2; exit 1; fi; }

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

$(addprefix lab-,$(BACKENDS)): lab-%: $(VENV)-%/.installed
	KERAS_BACKEND=$* $(VENV)-$*/bin/jupyter lab notebooks

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(NOTEBOOKS)

# The long runs a chapter cannot afford: each script in experiments/ writes its JSON results
# beside it (committed); tests/test_results.py fails when a script changed since its results.
ONLY ?= $(basename $(notdir $(wildcard experiments/*.py)))
experiments: $(STAMP)
	@for name in $(ONLY); do \
		echo "== experiments/$$name.py"; \
		$(BIN)/python experiments/$$name.py || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

bench-chapters: $(STAMP)
	$(BIN)/python benchmarks/chapters.py

clean:
	rm -rf _build
