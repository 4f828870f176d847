from django.contrib.admin import AdminSite

hq_site = AdminSite(name="hq")
