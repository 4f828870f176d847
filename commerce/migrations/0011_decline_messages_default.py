"""Seeds the customer-facing line of the decline email for every reason category and language.

Polite and generic on purpose (SPEC §9): the CRM's internal reason, a competitor's name or a
rep's notes never reach the customer. The back office edits the lines in HQ afterwards; this
migration never overwrites a line that already exists, and its reverse removes only the lines
still worded as seeded here.
"""

from django.db import migrations, router

GENERIC = {
    "en": (
        "After careful review we are unable to offer a business account at this time. "
        "Thank you for your interest; you are welcome to apply again in the future."
    ),
    "pl": (
        "Po dokładnej analizie z przykrością informujemy, że obecnie nie możemy zaoferować "
        "konta firmowego. Dziękujemy za zainteresowanie i zapraszamy do ponownego zgłoszenia "
        "w przyszłości."
    ),
    "cs": (
        "Po pečlivém posouzení vám bohužel v tuto chvíli nemůžeme nabídnout firemní účet. "
        "Děkujeme za váš zájem a budeme rádi, když v budoucnu požádáte znovu."
    ),
}

DEFAULTS = {
    "generic": GENERIC,
    "lost": {
        "en": (
            "After careful review we are unable to offer a business account at this time. "
            "Thank you for your interest; you are welcome to apply again if your needs change."
        ),
        "pl": (
            "Po dokładnej analizie z przykrością informujemy, że obecnie nie możemy zaoferować "
            "konta firmowego. Dziękujemy za zainteresowanie. Jeśli Twoje potrzeby się zmienią, "
            "zapraszamy do ponownego zgłoszenia."
        ),
        "cs": (
            "Po pečlivém posouzení vám bohužel v tuto chvíli nemůžeme nabídnout firemní účet. "
            "Děkujeme za váš zájem; pokud se vaše potřeby změní, budeme rádi, když požádáte "
            "znovu."
        ),
    },
    "cannot_contact": {
        "en": (
            "Unfortunately we could not reach you to complete the review of your request, so we "
            "are unable to open a business account at this time. You are welcome to apply again "
            "whenever it suits you."
        ),
        "pl": (
            "Niestety nie udało nam się skontaktować z Tobą, aby dokończyć weryfikację "
            "zgłoszenia, dlatego obecnie nie możemy otworzyć konta firmowego. Zapraszamy do "
            "ponownego zgłoszenia w dogodnym dla Ciebie momencie."
        ),
        "cs": (
            "Bohužel se nám nepodařilo vás zastihnout, abychom mohli posouzení vaší žádosti "
            "dokončit, a proto vám v tuto chvíli nemůžeme založit firemní účet. Znovu požádat "
            "můžete kdykoli, až se vám to bude hodit."
        ),
    },
    "no_longer_interested": {
        "en": (
            "As we understand that you no longer wish to open a business account, we have closed "
            "your request. Should you change your mind, you are welcome to apply again at any "
            "time."
        ),
        "pl": (
            "Rozumiemy, że nie chcesz już zakładać konta firmowego, dlatego zamknęliśmy Twoje "
            "zgłoszenie. Jeśli zmienisz zdanie, zapraszamy do ponownego zgłoszenia w dowolnym "
            "momencie."
        ),
        "cs": (
            "Rozumíme, že o firemní účet již nemáte zájem, a proto jsme vaši žádost uzavřeli. "
            "Pokud si to rozmyslíte, můžete kdykoli požádat znovu."
        ),
    },
    "canceled": {
        "en": (
            "Your request has been closed and we are unable to open a business account at this "
            "time. You are welcome to apply again in the future."
        ),
        "pl": (
            "Twoje zgłoszenie zostało zamknięte i obecnie nie możemy otworzyć konta firmowego. "
            "Zapraszamy do ponownego zgłoszenia w przyszłości."
        ),
        "cs": (
            "Vaše žádost byla uzavřena a v tuto chvíli vám nemůžeme založit firemní účet. "
            "V budoucnu můžete požádat znovu."
        ),
    },
    "opportunity_canceled": {
        "en": (
            "Your request has been closed and no business account will be opened at this time. "
            "Thank you for your interest; you are welcome to apply again whenever your needs "
            "change."
        ),
        "pl": (
            "Twoje zgłoszenie zostało zamknięte i obecnie nie otworzymy konta firmowego. "
            "Dziękujemy za zainteresowanie. Zapraszamy do ponownego zgłoszenia, gdy zmienią się "
            "Twoje potrzeby."
        ),
        "cs": (
            "Vaše žádost byla uzavřena a firemní účet vám v tuto chvíli nezaložíme. Děkujeme za "
            "váš zájem; pokud se vaše potřeby změní, budeme rádi, když požádáte znovu."
        ),
    },
    "out_sold": {
        "en": (
            "Thank you for considering our offer. We understand that you have decided not to "
            "proceed at this time, so we have closed your request. We would be glad to hear from "
            "you again in the future."
        ),
        "pl": (
            "Dziękujemy za rozważenie naszej oferty. Rozumiemy, że na razie nie chcesz "
            "kontynuować, dlatego zamknęliśmy Twoje zgłoszenie. Będzie nam miło, jeśli "
            "w przyszłości znów się z nami skontaktujesz."
        ),
        "cs": (
            "Děkujeme za zvážení naší nabídky. Rozumíme, že v tuto chvíli nechcete pokračovat, "
            "a proto jsme vaši žádost uzavřeli. Budeme rádi, když se nám v budoucnu znovu "
            "ozvete."
        ),
    },
    "hq": {
        "en": (
            "After careful review we are unable to offer a business account at this time. "
            "Thank you for your interest in working with us; you are welcome to apply again in "
            "the future."
        ),
        "pl": (
            "Po dokładnej analizie z przykrością informujemy, że obecnie nie możemy zaoferować "
            "konta firmowego. Dziękujemy za zainteresowanie współpracą i zapraszamy do "
            "ponownego zgłoszenia w przyszłości."
        ),
        "cs": (
            "Po pečlivém posouzení vám bohužel v tuto chvíli nemůžeme nabídnout firemní účet. "
            "Děkujeme za váš zájem o spolupráci a budeme rádi, když v budoucnu požádáte znovu."
        ),
    },
}
ACTOR = "migration"


def _decline_messages(apps, schema_editor):
    """The model's manager on this connection, or None where commerce is not routed."""
    DeclineMessage = apps.get_model("commerce", "DeclineMessage")
    alias = schema_editor.connection.alias
    if not router.allow_migrate_model(alias, DeclineMessage):
        return None
    return DeclineMessage.objects.using(alias)


def seed_decline_messages(apps, schema_editor):
    messages = _decline_messages(apps, schema_editor)
    if messages is None:
        return
    for category, texts in DEFAULTS.items():
        for language, text in texts.items():
            messages.get_or_create(
                category=category,
                language=language,
                defaults={"text": text, "updated_by": ACTOR},
            )


def unseed_decline_messages(apps, schema_editor):
    messages = _decline_messages(apps, schema_editor)
    if messages is None:
        return
    for category, texts in DEFAULTS.items():
        for language, text in texts.items():
            messages.filter(category=category, language=language, text=text).delete()


class Migration(migrations.Migration):
    dependencies = [("commerce", "0010_decisions_and_decline_messages")]
    operations = [migrations.RunPython(seed_decline_messages, unseed_decline_messages)]
