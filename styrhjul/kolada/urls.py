app_name = "kolada"

urlpatterns: list = []
