package io.qvit.hub;

import io.qvit.QvitException;
import java.net.URI;
import java.net.http.HttpHeaders;

/** Turns the Hub's refusals into messages that say what to do. */
final class HubErrors {
    private static final String FORM = "the form is hf:<owner>/<model>[@revision], e.g. " + HubModelSpec.EXAMPLE;

    private HubErrors() {}

    /**
     * The Hub answers 401 both for private or gated repositories and, to anonymous users, for names
     * that do not exist; {@code X-Error-Code} tells the 404 cases apart.
     */
    static QvitException forStatus(HubModelSpec spec, String file, URI url, int status, HttpHeaders headers,
                                   boolean tokenSent) {
        String where = " (HTTP " + status + " from " + url + ")";
        String code = headers.firstValue("X-Error-Code").orElse("");
        return new QvitException(switch (status) {
            case 401 -> tokenSent
                    ? "the Hub refused HF_TOKEN for " + spec + where + ": check that the token is valid, has read access,"
                            + " and that the repository name is right (" + FORM + ")"
                    : spec + ": the repository does not exist, or it is private or gated" + where
                            + ". Check the name (" + FORM + "); for a private or gated repository set HF_TOKEN"
                            + " to an access token with read access";
            case 403 -> spec + " is gated or private and needs permission" + where + ": accept its terms at "
                    + "https://huggingface.co/" + spec.repoId() + " while logged in, then set HF_TOKEN to an access"
                    + " token with read access" + (tokenSent ? " (the HF_TOKEN sent has no access to it)" : "");
            case 404 -> switch (code) {
                case "EntryNotFound" -> spec + " has no " + file + where
                        + ": qvit needs a timm repository with model.safetensors and config.json";
                case "RevisionNotFound" -> spec + ": revision '" + spec.revision() + "' does not exist" + where
                        + "; check the branch, tag or commit after '@'";
                default -> "no repository " + spec.repoId() + " on the Hub" + where + ". Check the model name; "
                        + FORM + " (see https://huggingface.co/timm for timm's names)";
            };
            default -> spec + ": unexpected answer" + where + " while fetching " + file + "; try again later";
        });
    }
}
