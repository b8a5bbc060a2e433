import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from incidents import embeds
from incidents.embeds import TIKTOK, YOUTUBE, Embed

VIDEO_ID = "dQw4w9WgXcQ"
TIKTOK_ID = "7301234567890123456"


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.youtube.com/watch?v={VIDEO_ID}",
        f"https://youtube.com/watch?v={VIDEO_ID}&t=42s",
        f"https://m.youtube.com/watch?feature=share&v={VIDEO_ID}",
        f"http://www.youtube.com/watch?v={VIDEO_ID}#comments",
        f"https://www.youtube.com/shorts/{VIDEO_ID}",
        f"https://youtube.com/shorts/{VIDEO_ID}/",
        f"https://youtu.be/{VIDEO_ID}",
        f"https://youtu.be/{VIDEO_ID}?si=abc",
        f"https://www.youtube.com/embed/{VIDEO_ID}",
        f"https://www.youtube-nocookie.com/embed/{VIDEO_ID}",
        f"https://youtube-nocookie.com/embed/{VIDEO_ID}",
        f"https://WWW.YOUTUBE.COM/watch?v={VIDEO_ID}",
    ],
)
def test_youtube_forms_give_the_video_id(url):
    assert embeds.parse(url) == Embed(YOUTUBE, VIDEO_ID)


@pytest.mark.parametrize(
    "url",
    [
        f"https://www.tiktok.com/@someone/video/{TIKTOK_ID}",
        f"https://tiktok.com/@some.one_2/video/{TIKTOK_ID}?lang=en",
        f"https://m.tiktok.com/@user/video/{TIKTOK_ID}/",
    ],
)
def test_tiktok_video_urls_give_the_numeric_id(url):
    assert embeds.parse(url) == Embed(TIKTOK, TIKTOK_ID)


@pytest.mark.parametrize(
    "url",
    [
        # look-alike and unlisted hosts
        f"https://youtube.com.evil.org/watch?v={VIDEO_ID}",
        f"https://evilyoutube.com/watch?v={VIDEO_ID}",
        f"https://www.youtube.co/watch?v={VIDEO_ID}",
        f"https://music.youtube.com/watch?v={VIDEO_ID}",
        f"https://youtube.com./watch?v={VIDEO_ID}",
        f"https://tiktok.com.evil.org/@u/video/{TIKTOK_ID}",
        f"https://vm.tiktok.com/@u/video/{TIKTOK_ID}",
        # user info, ports, schemes, odd characters
        f"https://youtube.com@evil.org/watch?v={VIDEO_ID}",
        f"https://user:pass@www.youtube.com/watch?v={VIDEO_ID}",
        f"https://evil.org\\@www.youtube.com/watch?v={VIDEO_ID}",
        f"https://www.youtube.com:8443/watch?v={VIDEO_ID}",
        f"javascript://www.youtube.com/watch?v={VIDEO_ID}",
        f"javascript:alert(1)//www.youtube.com/watch?v={VIDEO_ID}",
        f"ftp://www.youtube.com/watch?v={VIDEO_ID}",
        f"//www.youtube.com/watch?v={VIDEO_ID}",
        f" https://www.youtube.com/watch?v={VIDEO_ID}",
        f"https://www.youtube.com/watch?v={VIDEO_ID}\n",
        f"https://www.you\ttube.com/watch?v={VIDEO_ID}",
        # wrong ID shapes
        "https://www.youtube.com/watch?v=short",
        f"https://www.youtube.com/watch?v={VIDEO_ID}x",
        "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
        "https://youtu.be/dQw4w9WgX<b",
        f"https://www.youtube.com/watch?v={VIDEO_ID}&v=aaaaaaaaaaa",
        "https://www.youtube.com/watch",
        f"https://www.youtube.com/shorts/{VIDEO_ID}/extra",
        f"https://www.youtube.com/playlist?list={VIDEO_ID}",
        f"https://www.youtube.com/{VIDEO_ID}",
        f"https://youtu.be/watch?v={VIDEO_ID}",
        f"https://www.youtube-nocookie.com/watch?v={VIDEO_ID}",
        "https://www.tiktok.com/@user/video/123",
        "https://www.tiktok.com/@user/video/73012345678901234x",
        f"https://www.tiktok.com/@user/photo/{TIKTOK_ID}",
        f"https://www.tiktok.com/video/{TIKTOK_ID}",
        "https://news.example.org/story",
        "",
        "not a url",
    ],
)
def test_anything_else_is_not_an_embed(url):
    assert embeds.parse(url) is None
    assert embeds.render(url) == ""


def test_youtube_iframe_is_built_from_the_id_with_nocookie_and_referrer_policy():
    html = embeds.render(f"https://youtu.be/{VIDEO_ID}", 'Arrest "video" <b>')
    assert html.startswith("<iframe ")
    assert f'src="https://www.youtube-nocookie.com/embed/{VIDEO_ID}"' in html
    assert 'referrerpolicy="strict-origin-when-cross-origin"' in html
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation"' in html
    assert 'title="YouTube video: Arrest &quot;video&quot; &lt;b&gt;"' in html
    assert "<b>" not in html
    assert "style=" not in html


def test_tiktok_iframe_uses_the_player_url():
    html = embeds.render(f"https://www.tiktok.com/@user/video/{TIKTOK_ID}", "Clip")
    assert f'src="https://www.tiktok.com/player/v1/{TIKTOK_ID}"' in html
    assert 'title="TikTok video: Clip"' in html


# --- properties ------------------------------------------------------------------------------

ids = st.from_regex(r"\A[A-Za-z0-9_-]{11}\Z")
youtube_hosts = st.sampled_from(sorted(embeds.YOUTUBE_HOSTS))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120))
def test_any_text_parses_to_nothing_or_a_strict_id(text):
    found = embeds.parse(text)
    if found is not None:
        pattern = embeds.YOUTUBE_ID if found.provider == YOUTUBE else embeds.TIKTOK_ID
        assert pattern.fullmatch(found.video_id)
        assert found.src.startswith(
            ("https://www.youtube-nocookie.com/embed/", "https://www.tiktok.com/player/v1/")
        )


@settings(max_examples=100, deadline=None)
@given(host=youtube_hosts, video_id=ids, suffix=st.sampled_from(["", "&t=1", "&list=x"]))
def test_every_watch_url_round_trips(host, video_id, suffix):
    found = embeds.parse(f"https://{host}/watch?v={video_id}{suffix}")
    assert found == Embed(YOUTUBE, video_id)
    assert found.src == f"https://www.youtube-nocookie.com/embed/{video_id}"


@settings(max_examples=100, deadline=None)
@given(
    video_id=ids,
    prefix=st.from_regex(r"\A[a-z0-9-]{1,12}\Z"),
    trick=st.sampled_from(["{p}.youtube.com.{p}.org", "youtube.com.{p}", "{p}youtube.com"]),
)
def test_look_alike_hosts_never_parse(video_id, prefix, trick):
    host = trick.format(p=prefix)
    if host in embeds.YOUTUBE_HOSTS:  # "m" + ".youtube.com" is a real host
        return
    assert embeds.parse(f"https://{host}/watch?v={video_id}") is None


@settings(max_examples=100, deadline=None)
@given(video_id=ids, userinfo=st.from_regex(r"\A[a-z.:]{1,20}\Z"))
def test_user_info_is_always_rejected(video_id, userinfo):
    assert embeds.parse(f"https://{userinfo}@www.youtube.com/watch?v={video_id}") is None


@settings(max_examples=100, deadline=None)
@given(
    video_id=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"),
        min_size=1,
        max_size=14,
    ).filter(lambda s: not embeds.YOUTUBE_ID.fullmatch(s))
)
def test_ids_that_are_not_eleven_safe_characters_are_rejected(video_id):
    assert embeds.parse(f"https://youtu.be/{video_id}") is None
    assert embeds.parse(f"https://www.youtube.com/embed/{video_id}") is None
