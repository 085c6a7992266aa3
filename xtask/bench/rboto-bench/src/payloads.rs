//! The realistic response bodies the local server answers with, built in code (no fixtures):
//! every SDK under test parses exactly these bytes.

use std::fmt::Write;

/// Bytes of the S3 object served by GetObject (and sent by PutObject).
pub const OBJECT_SIZE: usize = 1024;

/// One DynamoDB item as the wire carries it: strings, a number, a boolean, a map and a list.
fn ddb_item(i: usize) -> String {
    format!(
        r#"{{"pk":{{"S":"user#{i:06}"}},"sk":{{"S":"order#2024-05-01T12:00:00Z#{i:06}"}},"amount":{{"N":"{}.{:02}"}},"status":{{"S":"SHIPPED"}},"gift":{{"BOOL":{}}},"address":{{"M":{{"street":{{"S":"{i} Main Street"}},"city":{{"S":"Seattle"}},"zip":{{"S":"98101"}}}}}},"quantities":{{"L":[{{"N":"1"}},{{"N":"2"}},{{"N":"{i}"}}]}}}}"#,
        100 + i,
        i % 100,
        i.is_multiple_of(2)
    )
}

/// DynamoDB GetItem: one item.
pub fn ddb_get_item() -> String {
    format!(r#"{{"Item":{}}}"#, ddb_item(1))
}

/// DynamoDB Query: 100 items.
pub fn ddb_query() -> String {
    let items: Vec<String> = (0..100).map(ddb_item).collect();
    format!(
        r#"{{"Count":100,"ScannedCount":100,"Items":[{}]}}"#,
        items.join(",")
    )
}

/// S3 ListObjectsV2: 1,000 keys.
pub fn s3_list_objects() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult \
         xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name><Prefix></Prefix>\
         <KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>",
    );
    for i in 0..1000 {
        let _ = write!(
            xml,
            "<Contents><Key>photos/2024/05/{i:06}.jpg</Key>\
             <LastModified>2024-05-01T12:{:02}:{:02}.000Z</LastModified>\
             <ETag>&quot;{i:032x}&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm>\
             <Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            i / 60 % 60,
            i % 60,
            1000 + i * 17
        );
    }
    xml.push_str("</ListBucketResult>");
    xml
}

/// EC2 DescribeInstances: 100 instances in 10 reservations.
pub fn ec2_describe_instances() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DescribeInstancesResponse \
         xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>8f7724cf-496f-496e-8fe3-example</requestId><reservationSet>",
    );
    for r in 0..10 {
        let _ = write!(
            xml,
            "<item><reservationId>r-{r:017x}</reservationId><ownerId>123456789012</ownerId>\
             <groupSet/><instancesSet>"
        );
        for n in 0..10 {
            let i = r * 10 + n;
            let _ = write!(
                xml,
                "<item><instanceId>i-{i:017x}</instanceId><imageId>ami-0abcdef1234567890</imageId>\
                 <instanceState><code>16</code><name>running</name></instanceState>\
                 <privateDnsName>ip-10-0-{r}-{n}.ec2.internal</privateDnsName><dnsName/>\
                 <reason/><keyName>bench-key</keyName><amiLaunchIndex>0</amiLaunchIndex>\
                 <productCodes/><instanceType>m5.large</instanceType>\
                 <launchTime>2024-05-01T12:00:00.000Z</launchTime>\
                 <placement><availabilityZone>us-east-1a</availabilityZone><groupName/>\
                 <tenancy>default</tenancy></placement><monitoring><state>disabled</state>\
                 </monitoring><subnetId>subnet-0123456789abcdef0</subnetId>\
                 <vpcId>vpc-0123456789abcdef0</vpcId><privateIpAddress>10.0.{r}.{n}</privateIpAddress>\
                 <sourceDestCheck>true</sourceDestCheck><groupSet><item>\
                 <groupId>sg-0123456789abcdef0</groupId><groupName>default</groupName></item>\
                 </groupSet><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>\
                 <rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping><item>\
                 <deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-{i:017x}</volumeId>\
                 <status>attached</status><attachTime>2024-05-01T12:00:01.000Z</attachTime>\
                 <deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>\
                 <virtualizationType>hvm</virtualizationType><clientToken/><tagSet><item>\
                 <key>Name</key><value>bench-{i}</value></item><item><key>team</key>\
                 <value>storage</value></item></tagSet><hypervisor>xen</hypervisor>\
                 <ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport>\
                 <cpuOptions><coreCount>1</coreCount><threadsPerCore>2</threadsPerCore></cpuOptions>\
                 <metadataOptions><state>applied</state><httpTokens>required</httpTokens>\
                 <httpPutResponseHopLimit>2</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint>\
                 </metadataOptions></item>"
            );
        }
        xml.push_str("</instancesSet></item>");
    }
    xml.push_str("</reservationSet></DescribeInstancesResponse>");
    xml
}

/// SQS ReceiveMessage (the JSON protocol SQS speaks since 2023): 10 messages.
pub fn sqs_receive_message() -> String {
    let messages: Vec<String> = (0..10)
        .map(|i| {
            format!(
                r#"{{"MessageId":"5fea7756-0ea4-451a-a703-a558b933e{i:03}","ReceiptHandle":"AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq{i:04}/Y7pMm4dBYmJ4ouEk4Q3nTH5UOaexcuFPiGEJ6oKr2E1mnzhEEzxZ0pDNSRxmmTjPsXNxtL7AxcN1VlQ64GtWlYGMSLNrUVyDVpWY6yHgJtYzvILUNxV4HVQjN6wMNEQpMF7zWt6Ztr4Ldyy3G7oBDczP3DZ1qzhd45X3JmM3rVwlFaBS5W1yJpWkRjSCH0vQJGYSk7x3v2Kg","MD5OfBody":"fafb00f5732ab283681e124bf8747ed1","Body":"{{\"order\":{i},\"customer\":\"user#{i:06}\",\"items\":[\"book\",\"pen\",\"lamp\"],\"total\":\"123.45\",\"note\":\"deliver to the back door, please ring twice\"}}","Attributes":{{"SenderId":"AIDAIENQZJOLO23YVJ4VO","ApproximateFirstReceiveTimestamp":"1714564800000","ApproximateReceiveCount":"1","SentTimestamp":"1714564800000"}}}}"#
            )
        })
        .collect();
    format!(r#"{{"Messages":[{}]}}"#, messages.join(","))
}

/// SNS ListSubscriptions (the query protocol): 100 subscriptions.
pub fn sns_list_subscriptions() -> String {
    let mut xml = String::from(
        "<ListSubscriptionsResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
         <ListSubscriptionsResult><Subscriptions>",
    );
    for i in 0..100 {
        let _ = write!(
            xml,
            "<member><TopicArn>arn:aws:sns:us-east-1:123456789012:topic-{i}</TopicArn>\
             <Protocol>sqs</Protocol><SubscriptionArn>arn:aws:sns:us-east-1:123456789012:topic-{i}:\
             80289ba6-0fd4-4079-afb4-ce8c8260f{i:03}</SubscriptionArn><Owner>123456789012</Owner>\
             <Endpoint>arn:aws:sqs:us-east-1:123456789012:queue-{i}</Endpoint></member>"
        );
    }
    xml.push_str(
        "</Subscriptions></ListSubscriptionsResult><ResponseMetadata>\
         <RequestId>384ac68d-3775-11df-8963-01868b7c937a</RequestId></ResponseMetadata>\
         </ListSubscriptionsResponse>",
    );
    xml
}

/// A minimal CBOR writer: just the major types the GetMetricData response needs.
struct Cbor(Vec<u8>);

impl Cbor {
    fn head(&mut self, major: u8, n: u64) {
        let m = major << 5;
        match n {
            0..=23 => self.0.push(m | n as u8),
            24..=0xff => self.0.extend([m | 24, n as u8]),
            0x100..=0xffff => {
                self.0.push(m | 25);
                self.0.extend((n as u16).to_be_bytes());
            }
            _ => {
                self.0.push(m | 26);
                self.0.extend((n as u32).to_be_bytes());
            }
        }
    }
    fn text(&mut self, s: &str) {
        self.head(3, s.len() as u64);
        self.0.extend(s.as_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.push(0xfb);
        self.0.extend(v.to_bits().to_be_bytes());
    }
}

/// CloudWatch GetMetricData (smithy-rpc-v2-cbor): 5 series of 100 timestamped values.
pub fn cloudwatch_get_metric_data() -> Vec<u8> {
    let mut c = Cbor(Vec::new());
    c.head(5, 2);
    c.text("MetricDataResults");
    c.head(4, 5);
    for s in 0..5 {
        c.head(5, 5);
        c.text("Id");
        c.text(&format!("m{s}"));
        c.text("Label");
        c.text("CPUUtilization");
        c.text("Timestamps");
        c.head(4, 100);
        for t in 0..100u64 {
            c.head(6, 1); // epoch-seconds timestamp
            c.head(0, 1_714_564_800 + t * 60);
        }
        c.text("Values");
        c.head(4, 100);
        for t in 0..100 {
            c.f64(10.0 + (s * 100 + t) as f64 * 0.25);
        }
        c.text("StatusCode");
        c.text("Complete");
    }
    c.text("Messages");
    c.head(4, 0);
    c.0
}
