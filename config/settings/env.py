import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# What the environment does not set may come from a file: DJANGO_ENV_FILE, or .env in the project
# folder (variables set in the environment win).
environ.Env.read_env(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env")
