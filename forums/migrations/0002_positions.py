"""Reference data: the offices of a forum board."""

from django.db import migrations

POSITIONS = [
    # code, name, single holder, order
    ("ketua", "Ketua", True, 10),
    ("wakil-ketua", "Wakil Ketua", False, 20),
    ("sekretaris", "Sekretaris", True, 30),
    ("wakil-sekretaris", "Wakil Sekretaris", False, 40),
    ("bendahara", "Bendahara", True, 50),
    ("wakil-bendahara", "Wakil Bendahara", False, 60),
    ("koordinator-bidang", "Koordinator Bidang", False, 70),
    ("anggota", "Anggota", False, 80),
]


def load(apps, schema_editor):
    Position = apps.get_model("forums", "Position")
    for code, name, single, order in POSITIONS:
        Position.objects.update_or_create(code=code, defaults={"name": name, "single_holder": single, "order": order})


def unload(apps, schema_editor):
    apps.get_model("forums", "Position").objects.filter(code__in=[p[0] for p in POSITIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
