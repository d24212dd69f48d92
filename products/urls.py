from django.urls import path

from . import views

app_name = "products"

# Fixed paths come before `<slug>/`; their names are reserved as product slugs (models.py).
urlpatterns = [
    path("products/", views.catalog, name="catalog"),
    path("products/parts/", views.part_catalog, name="parts"),
    path("products/mine/", views.my_products, name="mine"),
    path("products/mine/<int:pk>/remove/", views.registration_remove, name="registration_remove"),
    path("products/lines/<slug:slug>/", views.line_detail, name="line"),
    path("products/<slug:slug>/", views.product_detail, name="detail"),
    path("products/<slug:slug>/changelog/", views.changelog, name="changelog"),
]
