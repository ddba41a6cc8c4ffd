"""URLs for entity resolution: the review queue of uncertain links, and watchlist screening."""

from django.urls import path

from tiaki.resolution import views, watchlist_views

app_name = "resolution"

review_patterns = [
    path("review/", views.review_queue, name="review"),
    path("review/<int:link_id>/decide/", views.link_decide, name="link_decide"),
    path("entities/<int:entity_id>/mentions/", views.entity_mentions, name="entity_mentions"),
    path("mentions/<int:mention_id>/split/", views.mention_split, name="mention_split"),
]

watchlist_patterns = [
    path("watchlist/", watchlist_views.screening_list, name="watchlist"),
    path("watchlist/<int:screening_id>/", watchlist_views.screening_detail, name="watchlist_screening"),
    path(
        "watchlist/<int:screening_id>/progress/",
        watchlist_views.screening_progress,
        name="watchlist_progress",
    ),
    path("watchlist/hits/<int:hit_id>/decide/", watchlist_views.hit_decide, name="watchlist_hit_decide"),
]

urlpatterns = [*review_patterns, *watchlist_patterns]
