"""No admin pages: staff follow their jobs on /tugas/. The task queue's own admin (django-tasks-db) is removed:
its rows hold task arguments of every user, and nobody needs to edit the queue by hand."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
