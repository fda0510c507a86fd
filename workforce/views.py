from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from .selectors import organisations_for_user


@permission_required("workforce.view_workforce", raise_exception=True)
def home(request):
    organisations = organisations_for_user(user=request.user, role="hr_admin")
    return render(
        request,
        "workforce/home.html",
        {"organisations": organisations, "breadcrumbs": [("Home", "/")]},
    )
