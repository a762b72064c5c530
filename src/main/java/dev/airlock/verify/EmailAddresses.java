package dev.airlock.verify;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The e-mail address grammar airlock accepts for domain matching: an RFC 5322 section 3.4.1
 * addr-spec whose local part is a dot-atom (section 3.2.3: atext runs separated by single dots)
 * and whose domain is a DNS name. Quoted local parts, comments, domain literals and obsolete forms
 * are refused: a quoted local part may itself contain {@code @}, and Fulcio issues none of them.
 */
final class EmailAddresses {
  /** RFC 5322 3.2.3 atext. */
  private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
  private static final Pattern DOT_ATOM = Pattern.compile(ATEXT + "+(?:\\." + ATEXT + "+)*");
  /** RFC 1035 2.3.1 labels (letter-digit-hyphen, no leading or trailing hyphen), 1..63 octets. */
  private static final Pattern DOMAIN =
      Pattern.compile("(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private EmailAddresses() {}

  static boolean isDomain(String d) {
    return d.length() <= 253 && DOMAIN.matcher(d).matches();
  }

  /**
   * True iff {@code address} is {@code local@domain} with a dot-atom local part of at most 64
   * octets (RFC 5321 4.5.3.1.1) and a domain equal to {@code domain}, ignoring ASCII case.
   */
  static boolean inDomain(String address, String domain) {
    int at = address.lastIndexOf('@');
    if (at <= 0 || at > 64) {
      return false;
    }
    String local = address.substring(0, at);
    String host = address.substring(at + 1);
    return DOT_ATOM.matcher(local).matches() && isDomain(host)
        && host.toLowerCase(Locale.ROOT).equals(domain.toLowerCase(Locale.ROOT));
  }
}
