"""A translation that leaves out a placeholder of the English text ({count}, {title}) never shows that
part, and full-width brackets typed with a Chinese or Japanese keyboard are shown as they are: both
are a warning at their line, so a translator sees them before a supporter does."""
from __future__ import annotations

from conftest import MINIMAL, SITE_YAML, errors_of, run_build, write_project
from handbill.diagnostics import Diagnostics
from handbill.strings import load_catalog, single_number_forms

EN = ('next: "Read a story: {title}"\n'
      'signed:\n  one: "{count} of {goal} signature"\n  other: "{count} of {goal} signatures"\n'
      'stories:\n  one: Read the story\n  other: "Read all {count} stories"\n')


def catalog(tmp_path, files: dict[str, str], locales: list[str]):
    write_project(tmp_path, {"theme/i18n/en.yaml": EN, **files})
    diags = Diagnostics(root=tmp_path)
    return load_catalog([tmp_path / "theme"], tmp_path / "content", locales, "en", diags), diags


def test_a_left_out_placeholder_is_a_warning_at_the_line_of_its_form(tmp_path):
    ru = ('signed:\n'
          '  one: "{count} из {goal} подписи"\n'
          '  few: "{count} из {goal} подписей"\n'
          '  many: "подписей: {goal}"\n'
          '  other: "{count} из {goal} подписи"\n'
          'next: Читать историю\n')
    _, diags = catalog(tmp_path, {"content/ru/strings.yaml": ru}, ["en", "ru"])
    assert [d.format() for d in diags.warnings] == [
        "content/ru/strings.yaml:4:1: warning: `signed.many` does not use {count}, so that part of the text is "
        "never shown\n  hint: the English text is \"{count} of {goal} signatures\": write {count} where it belongs "
        "in this translation",
        "content/ru/strings.yaml:6:1: warning: `next` does not use {title}, so that part of the text is never shown\n"
        "  hint: the English text is \"Read a story: {title}\": write {title} where it belongs in this translation"]


def test_a_form_for_a_single_number_may_write_it_as_a_word(tmp_path):
    """Arabic `one` is 1 only, `two` 2 only: "توقيع واحد" needs no {count}. Russian `one` is also 21 and
    French `one` also 0, so there the number must be written; a `one` the English text writes without
    the number ("Read the story") may leave it out in any language."""
    assert {"zero", "one", "two"} <= single_number_forms("ar") and "few" not in single_number_forms("ar")
    assert "one" not in single_number_forms("ru") and "one" not in single_number_forms("fr")
    ar = ('signed:\n  zero: "لا توقيعات، الهدف {goal}"\n  one: "توقيع واحد من {goal}"\n'
          '  two: "توقيعان من {goal}"\n  few: "{count} توقيعات من {goal}"\n  many: "{count} توقيعًا من {goal}"\n'
          '  other: "{count} توقيع من {goal}"\n'
          'stories:\n  zero: x\n  one: اقرأ القصة\n  two: "{count}"\n  few: "{count}"\n  many: "{count}"\n'
          '  other: "{count}"\n')
    ru = 'stories:\n  one: Читать историю\n  few: "{count}"\n  many: "{count}"\n  other: "{count}"\n' \
         'signed:\n  one: "Одна подпись из {goal}"\n  few: "{count} {goal}"\n  many: "{count} {goal}"\n' \
         '  other: "{count} {goal}"\n'
    _, diags = catalog(tmp_path, {"content/ar/strings.yaml": ar, "content/ru/strings.yaml": ru},
                       ["en", "ar", "ru"])
    assert [d.format().splitlines()[0] for d in diags.warnings] == [
        "content/ru/strings.yaml:7:1: warning: `signed.one` does not use {count}, so that part of the text is "
        "never shown"]


def test_full_width_brackets_are_a_warning_that_says_what_to_type(tmp_path):
    cat, diags = catalog(tmp_path, {"content/zh-Hans/strings.yaml":
                                    "signed:\n  other: \"已有｛count｝人签名，目标｛goal｝人\"\nnext: \"阅读：{title}\"\n"},
                         ["en", "zh-Hans"])
    assert [d.format() for d in diags.warnings] == [
        "content/zh-Hans/strings.yaml:2:1: warning: `signed.other` has full-width curly brackets ｛ ｝, so they are "
        "shown as they are instead of being filled in\n"
        "  hint: type the brackets in half-width (English) input mode, like this: 已有{count}人签名，目标{goal}人"]


def test_a_real_build_and_check_warn_about_a_left_out_count(make_project):
    files = {**MINIMAL, "content/site.yaml": SITE_YAML + "locales: [en, fr]\n",
             "content/fr/strings.yaml": "signatures_count:\n  one: \"{count} signature\"\n"
                                        "  many: \"de signatures\"\n  other: \"{count} signatures\"\n"}
    project = make_project(files)
    for command in ("build", "check"):
        code, _, err = run_build(project, command=command)
        assert code == 0, err
        assert any(e.startswith("content/fr/strings.yaml:3:1: warning: `signatures_count.many` does not use {count}")
                   for e in errors_of(err)), err
