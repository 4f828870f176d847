"""Settings, split by concern; every value comes from the environment (see README)."""

from .api import *  # noqa: F403
from .auth import *  # noqa: F403
from .base import *  # noqa: F403
from .databases import *  # noqa: F403
from .email import *  # noqa: F403
from .product import *  # noqa: F403
from .security import *  # noqa: F403
from .tasks import *  # noqa: F403
