# Two commands from a fresh clone (see README):
#   make lab    set up .venv and open the lessons in JupyterLab
#   make test   set up .venv and run the whole test suite (ruff + pytest, on two workers)
#   make test-fast   the fast part (no slow or browser tests), about two minutes
# And for teachers:
#   make instructor   JupyterLab with nbgrader's instructor tools (formgrader, Create Assignment)
# And for students who never see code:
#   make app    the lessons as a web app (Voila): an index page, each lesson without code

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
# The kit's Jupyter settings (jupyter-config/README.md), first on the config path: nothing is
# written to your home folder. Students get no nbgrader instructor tools and no news pop-up.
KIT_CONFIG := $(CURDIR)/jupyter-config/kit$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH),)
STUDENT_CONFIG := $(CURDIR)/jupyter-config/student:$(KIT_CONFIG)

.PHONY: lab instructor app test test-fast test-failed lint setup demo clean

# The packages go in with uv (from PyPI, several times faster than pip) when pip could install it
# into .venv; else, or if uv fails, with pip. NO_UV=1 uses pip only.
INSTALL = { test -z "$(NO_UV)" && test -x $(BIN)/uv && $(BIN)/uv pip install --quiet --python $(BIN)/python $(1); } \
	|| $(BIN)/python -m pip install --quiet $(1)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "medialit needs Python 3.11 or newer; install it and run make again." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	test -n "$(NO_UV)" || $(BIN)/python -m pip install --quiet uv || echo "uv did not install; pip installs the packages (slower)"

$(VENV)/.lab-installed: $(BIN)/python pyproject.toml
	$(call INSTALL,-e .)
	touch $@

$(VENV)/.test-installed: $(BIN)/python pyproject.toml
	$(call INSTALL,-e '.[test]')
	touch $@ $(VENV)/.lab-installed

setup: $(VENV)/.lab-installed

lab: $(VENV)/.lab-installed
	JUPYTER_CONFIG_PATH="$(STUDENT_CONFIG)" $(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00-start-here.ipynb

instructor: $(VENV)/.lab-installed
	JUPYTER_CONFIG_PATH="$(KIT_CONFIG)" $(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/instructor-workflow.ipynb

app: $(VENV)/.lab-installed
	$(BIN)/medialit app notebooks

demo: $(VENV)/.lab-installed
	$(BIN)/medialit demo

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on two workers (PYTEST_WORKERS=auto: one per CPU); test-fast leaves out the
# slow and browser tests (about two minutes); test-failed re-runs what failed last time. make test
# lists its 25 slowest steps at the end, to keep an eye on the suite's time.
PYTEST_WORKERS ?= 2

test: $(VENV)/.test-installed lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --durations=25

test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not slow and not browser"

test-failed: $(VENV)/.test-installed
	$(BIN)/python -m pytest --lf

clean:
	rm -rf $(VENV) build src/*.egg-info
