import re

import factory

from cms.accounts.models import User

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105  # synthetic demo and test accounts only


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttributeSequence(
        lambda o, n: (
            f"{re.sub(r'[^a-z]', '', o.first_name.lower())}.{re.sub(r'[^a-z]', '', o.last_name.lower())}"
            f".{n}@example.org"
        )
    )
    job_title = factory.Faker("job", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])
