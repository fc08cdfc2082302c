"""The password change page (/accounts/password/, and the admin's /admin/password_change/) in
the desk's words, not Django's, and a refused change answered 400 as the desk's other forms
are; the admin's forms that set another user's password or a new user's say the same."""

import pytest

from tests.factories import PASSWORD, admin_user, fact_checker

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

PAGE = "/accounts/password/"
PAGES = [PAGE, "/admin/password_change/"]
DJANGO_TEXTS = [
    "Your old password was entered incorrectly",
    "didn’t match",
    "too common.",
    "can’t",
    "Enter the same password as before",
    "This field is required.",
]


@pytest.fixture
def user(client):
    user = fact_checker(username="maria.lopez")
    client.force_login(user)
    return user


def change(client, old=PASSWORD, new="a-long-Unusual-phrase-42", again=None, page=PAGE):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(page, data)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"old": "not it"}, "old_password", "That is not your current password: type it again."),
        (
            {"again": "something-else-entirely-7"},
            "new_password2",
            "The two new passwords are not the same: type the same one in both boxes.",
        ),
        (
            {"new": "password123"},
            "new_password2",
            "This password is one of the most commonly used ones, which are guessed first: "
            "choose another.",
        ),
        (
            {"new": "Ab3$x"},
            "new_password2",
            "This password is too short: use at least 8 characters.",
        ),
        (
            {"new": "83920174652"},
            "new_password2",
            "This password is only digits: add letters or other characters.",
        ),
        (
            {"new": "maria.lopez1"},
            "new_password2",
            "This password is too close to the account's username: choose one that does not "
            "resemble it.",
        ),
        ({"old": ""}, "old_password", "Enter your current password."),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_a_refused_change_is_a_400_saying_what_to_do(client, user, fields, field, message, page):
    response = change(client, **fields, page=page)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    page = response.content.decode()
    assert not [text for text in DJANGO_TEXTS if text in page]


@pytest.mark.parametrize("path", PAGES)
def test_the_page_explains_the_rules_in_the_desks_words(client, user, path):
    page = client.get(path).content.decode()
    assert "At least 8 characters." in page and "Not a commonly used password." in page
    assert "New password again" in page
    assert not [text for text in DJANGO_TEXTS if text in page]


@pytest.mark.parametrize("page", PAGES)
def test_a_good_change_still_goes_through(client, user, page):
    response = change(client, page=page)
    assert response.status_code == 302 and response["Location"] == f"{page}done/"
    user.refresh_from_db()
    assert user.check_password("a-long-Unusual-phrase-42")


def wrong_guesses(client, times, page=PAGE):
    return [change(client, old=f"guess-{n}", page=page).status_code for n in range(times)]


@pytest.mark.parametrize("path", PAGES)
def test_wrong_current_passwords_lock_the_page_as_failed_log_ins_do(client, user, settings, path):
    settings.AXES_COOLOFF_TIME = 0.5  # hours, as AXES_COOLOFF_MINUTES=30 sets it
    limit = settings.AXES_FAILURE_LIMIT
    assert wrong_guesses(client, limit - 1, page=path) == [400] * (limit - 1)

    response = change(client, old="one guess too many", page=path)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Too many wrong passwords</h1>" in page
    assert "Try again in 30 minutes" in page
    # Locked, even the right password is not checked: a stolen session learns nothing more.
    assert change(client, page=path).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_lock_is_the_log_in_s_own_count_for_that_username_and_address(client, user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": f"guess-{n}"})

    assert change(client).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # And wrong current passwords lock the log-in too.
    other = fact_checker(username="sam.okafor")
    client.force_login(other)
    wrong_guesses(client, settings.AXES_FAILURE_LIMIT)
    login = {"username": "sam.okafor", "password": PASSWORD}
    assert client.post("/accounts/login/", login).status_code == 429


def test_the_right_current_password_clears_the_count_as_a_log_in_does(client, user, settings):
    limit = settings.AXES_FAILURE_LIMIT
    wrong_guesses(client, limit - 1)
    assert change(client).status_code == 302

    assert wrong_guesses(client, limit - 1) == [400] * (limit - 1)


@pytest.fixture
def someone(client):
    client.force_login(admin_user())
    return fact_checker(username="sam.okafor")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"password1": "a-long-Unusual-phrase-42", "password2": "something-else-entirely-7"},
            "password2",
            "The two new passwords are not the same: type the same one in both boxes.",
        ),
        (
            {"password1": "sam.okafor1", "password2": "sam.okafor1"},
            "password2",
            "This password is too close to the account's username: choose one that does not "
            "resemble it.",
        ),
        ({"password1": "", "password2": ""}, "password1", "Enter a new password."),
        (
            {"password1": "a-long-Unusual-phrase-42", "password2": ""},
            "password2",
            "Type the new password again.",
        ),
    ],
)
def test_the_admin_setting_another_user_s_password_says_what_the_desk_says(
    client, someone, data, field, message
):
    path = f"/admin/auth/user/{someone.pk}/password/"
    response = client.post(path, {"usable_password": "true", **data})

    assert response.status_code == 400  # as the desk's own password page answers
    assert message in response.context["form"].errors[field]
    someone.refresh_from_db()
    assert someone.check_password(PASSWORD)
    page = response.content.decode()
    assert not [text for text in DJANGO_TEXTS if text in page]
    assert "The same as above, to catch a typing slip." in page


def test_the_admin_adding_a_user_says_what_the_desk_says(client, someone):
    response = client.post(
        "/admin/auth/user/add/",
        {
            "username": "new.colleague",
            "usable_password": "true",
            "password1": "a-long-Unusual-phrase-42",
            "password2": "something-else-entirely-7",
        },
    )

    assert response.status_code == 400
    assert response.context["adminform"].form.errors["password2"] == [
        "The two new passwords are not the same: type the same one in both boxes."
    ]
    page = response.content.decode()
    assert not [text for text in DJANGO_TEXTS if text in page]
    assert "The same as above, to catch a typing slip." in page


def test_the_admin_s_user_pages_still_open_with_200_and_a_good_form_goes_through(client, someone):
    assert client.get("/admin/auth/user/add/").status_code == 200
    path = f"/admin/auth/user/{someone.pk}/password/"
    assert client.get(path).status_code == 200
    new = {"password1": "a-long-Unusual-phrase-42", "password2": "a-long-Unusual-phrase-42"}
    response = client.post(path, {"usable_password": "true", **new})
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.check_password(new["password1"])
