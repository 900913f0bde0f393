package io.tlsduplex.cli;

/** Bad input the user can fix: a missing or malformed file, an impossible option combination. */
public final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
