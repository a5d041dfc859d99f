from django.urls import path

from lcv.feedback import views_case, views_partner

app_name = "feedback"

urlpatterns = [
    path("terugkoppeling/", views_partner.feedback_list, name="list"),
    path("terugkoppeling/aanlevering/<int:pk>/", views_partner.delivery_messages, name="delivery"),
    path("zaken/<int:pk>/terugkoppeling/", views_case.case_feedback, name="case"),
]
