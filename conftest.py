import os

os.environ.setdefault("DJANGO_TESTING", "1")
