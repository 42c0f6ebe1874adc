"""Voice: microphone and speaker (sounddevice), Vosk recognition, intents, and speech (pyttsx3 / espeak-ng)."""
