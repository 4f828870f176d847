from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0012_email_validation"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
