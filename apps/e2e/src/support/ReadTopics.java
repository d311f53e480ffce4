// Reads each topic named on the command line as one Kafka principal, with the broker's own Java
// client and no consumer group (assign, not subscribe), so the broker's only question is whether
// the principal may READ the topic. Prints one line per topic: "<topic> read <n>", "<topic> empty"
// or "<topic> denied <error>". The password comes on stdin, never in the arguments.
//
//   java -cp '<broker libs>/*' ReadTopics.java <bootstrap> <username> <topic>...
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class ReadTopics {
  public static void main(String[] args) throws Exception {
    String password = new BufferedReader(new InputStreamReader(System.in)).readLine().trim();
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + args[1] + "\" password=\"" + password + "\";");
    props.put("key.deserializer", ByteArrayDeserializer.class.getName());
    props.put("value.deserializer", ByteArrayDeserializer.class.getName());
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    for (int i = 2; i < args.length; i++) {
      String topic = args[i];
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(10))) partitions.add(new TopicPartition(topic, info.partition()));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        int read = 0;
        long deadline = System.currentTimeMillis() + 5000;
        while (read == 0 && System.currentTimeMillis() < deadline) {
          ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
          read += records.count();
        }
        System.out.println(topic + (read > 0 ? " read " + read : " empty"));
      } catch (Exception error) {
        System.out.println(topic + " denied " + error.getClass().getSimpleName() + ": " + String.valueOf(error.getMessage()).replace('\n', ' '));
      }
    }
  }
}
