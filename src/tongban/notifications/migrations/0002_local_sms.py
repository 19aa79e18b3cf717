# The local notifier is a local SMS-gateway stand-in (本地短信网关): "outbox" now names only the transactional
# outbox (tongban.outbox). Each row is one outbox message, deduplicated by its id.

import uuid

from django.db import migrations, models


def give_old_rows_an_id(apps, schema_editor):
    LocalSmsMessage = apps.get_model("notifications", "LocalSmsMessage")
    for row in LocalSmsMessage.objects.filter(outbox_id__isnull=True).only("pk"):
        LocalSmsMessage.objects.filter(pk=row.pk).update(outbox_id=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel("OutboxMessage", "LocalSmsMessage"),
        migrations.AlterModelOptions(
            name="localsmsmessage",
            options={"ordering": ["-created_at", "-id"], "verbose_name": "本地短信网关", "verbose_name_plural": "本地短信网关"},
        ),
        migrations.AddField(
            model_name="localsmsmessage",
            name="outbox_id",
            field=models.UUIDField(null=True, verbose_name="消息编号"),
        ),
        migrations.RunPython(give_old_rows_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="localsmsmessage",
            name="outbox_id",
            field=models.UUIDField(
                help_text="发件箱消息编号；重复投递的同一消息只发一次", unique=True, verbose_name="消息编号"
            ),
        ),
        migrations.AddField(
            model_name="localsmsmessage",
            name="duplicates",
            field=models.PositiveIntegerField(default=0, verbose_name="重复投递次数"),
        ),
    ]
