import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;

/**
 * Creates or updates SCRAM-SHA-512 users on a running broker with the AlterUserScramCredentials
 * admin API, which kafkajs lacks. Run by deploy/local/provision-kafka.ts with the broker's own jars:
 *
 *   java -cp "$KIRIM_HOME/kafka/libs/*" ScramUsers.java 127.0.0.1:9092 < input
 *
 * Passwords come on stdin, never as arguments (`ps` shows arguments): the first line is the admin
 * password, every further line `<user> <password>`. Prints one line per user, `created <user>` or
 * `updated <user>`, then `other <user>` for each SCRAM user on the broker that was not in the input.
 * Exit codes: 0 done, 2 bad input, 3 the admin credentials were refused, 1 anything else.
 */
public class ScramUsers {
  private static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_512;
  /** Kafka accepts 4096..16384 for SCRAM-SHA-512; every new connection pays these on both sides. */
  private static final int ITERATIONS = 8192;

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp '<kafka libs>/*' ScramUsers.java <bootstrap servers>  (passwords on stdin)");
      System.exit(2);
    }
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String adminPassword = stdin.readLine();
    if (adminPassword == null || adminPassword.isBlank()) fail(2, "no admin password on the first line of stdin");
    Map<String, String> wanted = new LinkedHashMap<>();
    for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
      String trimmed = line.strip();
      if (trimmed.isEmpty()) continue;
      int space = trimmed.indexOf(' ');
      if (space <= 0 || space == trimmed.length() - 1) fail(2, "an input line is not '<user> <password>'");
      wanted.put(trimmed.substring(0, space), trimmed.substring(space + 1).strip());
    }

    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "kirim-scram-users");
    config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    config.put("sasl.mechanism", "SCRAM-SHA-512");
    config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"" + jaasQuoted(adminPassword) + "\";");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");

    try (Admin admin = Admin.create(config)) {
      Set<String> existing = new TreeSet<>(admin.describeUserScramCredentials().users().get());
      List<UserScramCredentialAlteration> upserts = new ArrayList<>();
      for (Map.Entry<String, String> user : wanted.entrySet()) {
        upserts.add(new UserScramCredentialUpsertion(user.getKey(), new ScramCredentialInfo(MECHANISM, ITERATIONS), user.getValue()));
      }
      if (!upserts.isEmpty()) admin.alterUserScramCredentials(upserts).all().get();
      for (String user : wanted.keySet()) System.out.println((existing.contains(user) ? "updated " : "created ") + user);
      for (String user : existing) if (!wanted.containsKey(user)) System.out.println("other " + user);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SaslAuthenticationException) fail(3, "the broker refused the admin credentials: " + cause.getMessage());
      fail(1, cause == null ? e.toString() : cause.toString());
    }
  }

  private static String jaasQuoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void fail(int code, String message) {
    System.err.println("ScramUsers: " + message);
    System.exit(code);
  }
}
