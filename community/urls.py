from django.urls import path

from . import views

app_name = "community"

# Fixed paths come before `<product_slug>/`: a product slugged "moderation", "people" or "lines"
# would be shadowed by them.
urlpatterns = [
    path("roadmap/", views.roadmap_all, name="roadmap"),
    path("roadmap/<slug:product_slug>/", views.roadmap_product, name="roadmap_product"),
    path("community/", views.index, name="index"),
    path("community/moderation/", views.moderation, name="moderation"),
    path("community/following/", views.following, name="following"),
    path("community/people/<str:username>/", views.profile, name="profile"),
    path("community/lines/<slug:slug>/", views.line_detail, name="line"),
    path("community/<slug:product_slug>/", views.product_feed, name="product"),
    path("community/<slug:product_slug>/new/", views.post_new, name="post_new"),
    path("community/<slug:product_slug>/follow/", views.product_follow, name="product_follow"),
    path("community/<slug:product_slug>/similar/", views.similar, name="similar"),
    path("community/<slug:product_slug>/<int:pk>/", views.post_detail, name="post"),
    path("community/<slug:product_slug>/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("community/<slug:product_slug>/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("community/<slug:product_slug>/<int:pk>/vote/", views.post_vote, name="post_vote"),
    path(
        "community/<slug:product_slug>/<int:pk>/comments/",
        views.post_comment,
        name="post_comment",
    ),
    path("community/<slug:product_slug>/<int:pk>/follow/", views.post_follow, name="post_follow"),
    path("community/<slug:product_slug>/<int:pk>/flag/", views.post_flag, name="post_flag"),
    path(
        "community/<slug:product_slug>/<int:pk>/moderate/",
        views.post_moderate,
        name="post_moderate",
    ),
    path("community/<slug:product_slug>/<int:pk>/merge/", views.post_merge, name="post_merge"),
    path(
        "community/<slug:product_slug>/<int:pk>/comments/<int:comment_pk>/edit/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "community/<slug:product_slug>/<int:pk>/comments/<int:comment_pk>/moderate/",
        views.comment_moderate,
        name="comment_moderate",
    ),
]
