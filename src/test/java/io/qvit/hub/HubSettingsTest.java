package io.qvit.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qvit.QvitException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class HubSettingsTest {
    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        p.setProperty("user.home", "/home/someone");
        for (int i = 0; i < keyValues.length; i += 2) p.setProperty(keyValues[i], keyValues[i + 1]);
        return p;
    }

    @Test
    void defaultsToHuggingFaceAndHomeCache() {
        HubSettings s = HubSettings.from(Map.of(), props());
        assertEquals(Path.of("/home/someone/.cache/qvit"), s.cacheDir());
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(Optional.empty(), s.token());
        assertFalse(s.offline());
    }

    @Test
    void environmentOverridesEverything() {
        HubSettings s = HubSettings.from(Map.of("QVIT_CACHE", "/data/cache", "HF_ENDPOINT", "http://127.0.0.1:8080/",
                "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1"), props("qvit.cache", "/ignored"));
        assertEquals(Path.of("/data/cache"), s.cacheDir());
        assertEquals(URI.create("http://127.0.0.1:8080"), s.endpoint());
        assertEquals(Optional.of("hf_abc"), s.token());
        assertTrue(s.offline());
    }

    @Test
    void systemPropertySetsCacheAndQvitOfflineWorks() {
        HubSettings s = HubSettings.from(Map.of("QVIT_OFFLINE", "true"), props("qvit.cache", "/tmp/q"));
        assertEquals(Path.of("/tmp/q"), s.cacheDir());
        assertTrue(s.offline());
        assertFalse(HubSettings.from(Map.of("HF_HUB_OFFLINE", "0"), props()).offline());
    }

    @Test
    void badEndpointIsReported() {
        QvitException e = assertThrows(QvitException.class,
                () -> HubSettings.from(Map.of("HF_ENDPOINT", "huggingface.co"), props()));
        assertTrue(e.getMessage().startsWith("HF_ENDPOINT 'huggingface.co' is not an http(s) URL"), e.getMessage());
    }
}
