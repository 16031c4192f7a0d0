app_name = "print"

urlpatterns: list = []
