package io.vigil.config;

import java.util.regex.Pattern;

/** Syntax checks only: nothing here resolves names, so loading a file never waits on DNS. */
final class Addresses {

    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private Addresses() {
    }

    static boolean isIpv4(String s) {
        if (s == null) {
            return false;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A DNS name that is not all digits and dots (those must be valid IPv4). */
    static boolean isHostName(String s) {
        return s != null && HOST.matcher(s).matches() && !s.matches("[0-9.]+");
    }
}
