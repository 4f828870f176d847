from django.db import migrations

SEQUENCES = [("account", "A-"), ("contact", "CT-"), ("opportunity", "OP-")]


def create_sequences(apps, schema_editor):
    NumberSequence = apps.get_model("sales", "NumberSequence")
    alias = schema_editor.connection.alias
    for code, prefix in SEQUENCES:
        NumberSequence.objects.using(alias).get_or_create(
            code=code, defaults={"prefix": prefix, "width": 6}
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0001_initial")]
    operations = [migrations.RunPython(create_sequences, migrations.RunPython.noop)]
