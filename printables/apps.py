from django.apps import AppConfig


class PrintablesConfig(AppConfig):
    name = "printables"
    verbose_name = "打印"
