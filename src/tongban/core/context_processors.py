from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": settings.TONGBAN_PLATFORM_NAME, "DEMO_MODE": settings.DEMO_MODE}
