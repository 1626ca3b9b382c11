import os

import yaml


def load_settings(path):
    with open(path) as f:
        return yaml.safe_load(f)


def data_dir():
    return os.environ.get("SHOP_DATA", "/var/lib/shop")
