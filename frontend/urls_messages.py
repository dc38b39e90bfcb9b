from django.urls import path

from frontend.views import messages

urlpatterns = [
    path(
        "secretariat/editions/<int:year>/messages/",
        messages.message_index,
        name="messages",
    ),
    path(
        "secretariat/editions/<int:year>/messages/new/",
        messages.message_new,
        name="message-new",
    ),
    path(
        "secretariat/editions/<int:year>/messages/<int:pk>/",
        messages.message_detail,
        name="message",
    ),
    path(
        "secretariat/editions/<int:year>/messages/<int:pk>/edit/",
        messages.message_edit,
        name="message-edit",
    ),
    path(
        "secretariat/editions/<int:year>/messages/<int:pk>/send/",
        messages.message_send,
        name="message-send",
    ),
]
