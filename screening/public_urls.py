app_name = "selfassessment"

urlpatterns: list = []
