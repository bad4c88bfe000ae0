from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "gonghui.roster"
    label = "roster"
    verbose_name = _("花名册导入导出")
