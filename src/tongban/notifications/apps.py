from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tongban.notifications"
    verbose_name = "消息通知"
