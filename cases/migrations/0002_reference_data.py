from django.db import migrations


def load(apps, schema_editor):
    from cases import reference_data

    reference_data.apply(apps)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
