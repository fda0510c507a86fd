from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.home, name="home"),
]
