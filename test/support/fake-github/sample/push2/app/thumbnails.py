import subprocess

from flask import request


def make_thumbnail():
    filename = request.form["filename"]
    subprocess.run(f"convert {filename} -resize 128x128 thumb.png", shell=True)
    return "thumb.png"


def image_size(path):
    result = subprocess.run(["identify", "-format", "%wx%h", path], capture_output=True, text=True, check=True)
    return result.stdout.strip()
