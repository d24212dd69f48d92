from django.contrib.auth.models import AbstractUser
from django.db import models


class Person(AbstractUser):
    """Someone who signs in at the provider, with what it tells the clients about them."""

    name = models.CharField(max_length=150, blank=True)
    email_verified = models.BooleanField(default=True)
    group_names = models.JSONField(default=list)
