"""Uploading an SIE file on the import page, as a controller does."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from tests.worker import run_worker


def upload(client, data: bytes, name="bok.se", **extra):
    """Upload on the page; the worker imports it; the upload's page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("economy:import"),
            {"file": SimpleUploadedFile(name, data), **extra},
        )
    if response.status_code != 302:
        return response
    run_worker()
    return client.get(response["Location"])
