package io.tlsduplex.reliability;

import io.tlsduplex.TlsStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The buffer figures of a pump, read from {@link TlsStream#describe()} (the only public view of them). */
record PumpGauges(long plaintextBuffered, long ciphertextBuffered, long ciphertextInFlight, boolean readOutstanding) {
    private static final Pattern FIELD = Pattern.compile("(plaintextBuffered|ciphertextBuffered|ciphertextInFlight|readOutstanding)=(\\w+)");

    static PumpGauges of(TlsStream stream) {
        String d = stream.describe();
        long plain = -1;
        long cipher = -1;
        long inFlight = -1;
        boolean reading = false;
        Matcher m = FIELD.matcher(d);
        while (m.find()) {
            switch (m.group(1)) {
                case "plaintextBuffered" -> plain = Long.parseLong(m.group(2));
                case "ciphertextBuffered" -> cipher = Long.parseLong(m.group(2));
                case "ciphertextInFlight" -> inFlight = Long.parseLong(m.group(2));
                default -> reading = Boolean.parseBoolean(m.group(2));
            }
        }
        if (plain < 0 || cipher < 0 || inFlight < 0) {
            throw new IllegalStateException("describe() no longer carries the buffer figures: " + d);
        }
        return new PumpGauges(plain, cipher, inFlight, reading);
    }
}
