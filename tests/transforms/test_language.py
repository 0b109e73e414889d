import pytest

from newsflow.transforms.language import detect_language

SAMPLES = {
    "fr": "Le gouvernement a présenté mercredi son projet de budget pour l'année prochaine.",
    "en": "The government presented its budget plan for next year on Wednesday afternoon.",
    "de": "Die Regierung hat am Mittwoch ihren Haushaltsentwurf für das kommende Jahr vorgestellt.",
    "es": "El gobierno presentó el miércoles su proyecto de presupuesto para el año que viene.",
}


@pytest.mark.parametrize(("expected", "text"), SAMPLES.items())
def test_detects_the_four_main_languages(expected, text):
    assert detect_language(text) == expected


def test_short_text_falls_back_to_the_first_hint():
    assert detect_language("Oui.", None, "fr", "en") == "fr"
    assert detect_language("Oui.") is None


def test_confident_detection_beats_a_wrong_hint():
    assert detect_language(SAMPLES["de"], "en") == "de"
