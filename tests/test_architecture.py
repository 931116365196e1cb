"""The shape of the code: what loads when, and what may import what (docs/architecture.md)."""

import subprocess
import sys

import pytest

pytestmark = pytest.mark.any_database

PROVIDER_SDKS = ("twilio", "alibabacloud_dysmsapi20170525", "alibabacloud_tea_openapi", "Tea",
                 "darabonba", "aiohttp")


def test_building_the_app_loads_no_sms_sdk():
    """A web worker, a CLI command or a test run pays for an SMS SDK only when it texts."""
    probe = (
        "import sys\n"
        "from rollcall import create_app\n"
        "create_app({'TESTING': True, 'SECRET_KEY': 'x', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "from rollcall import vocabulary, notify\n"
        "from rollcall.notify import services, settings_service, health\n"
        "from rollcall.jobs import minute_pass, scheduler\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {PROVIDER_SDKS!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_a_gateway_loads_its_sdk_when_built():
    """The lazy imports still work: building each gateway brings its own SDK."""
    probe = (
        "import sys\n"
        "from rollcall.notify.gateway import gateway_from_config\n"
        "config = {'TWILIO_ACCOUNT_SID': 'AC1', 'TWILIO_AUTH_TOKEN': 't',\n"
        "          'TWILIO_FROM_NUMBER': '+15005550006', 'TWILIO_API_BASE_URL': 'http://x',\n"
        "          'ALIYUN_ACCESS_KEY_ID': 'k', 'ALIYUN_ACCESS_KEY_SECRET': 's',\n"
        "          'ALIYUN_SMS_SIGN_NAME': 'n'}\n"
        "print(type(gateway_from_config(config, 'twilio')).__name__,\n"
        "      type(gateway_from_config(config, 'aliyun')).__name__,\n"
        "      'twilio' in sys.modules, 'alibabacloud_dysmsapi20170525' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["TwilioGateway", "AliyunGateway", "True", "True"]
