from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command


@pytest.fixture
def bundled() -> list[tuple[str, list[str]]]:
    return apps.get_app_config("rapidresponse").bundled_data()


@pytest.fixture
def real_data(db, bundled):
    """The bundled networks and national resources, loaded the way `make run` loads them."""
    for command, arguments in bundled:
        call_command(command, *arguments, stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def networks_csv(bundled) -> Path:
    return Path(bundled[0][1][0])


@pytest.fixture
def resources_csv(bundled) -> Path:
    return Path(bundled[1][1][0])
