"""No models: staff access is built from django.contrib.auth groups (see roles.py).

The module exists because Django only sends `post_migrate` for apps with a models module, and
StaffConfig re-syncs the role groups on that signal.
"""
