//! Blocking clients against moto: the seed's three examples written as straight-line code
//! (no `async`, no executor of the caller's), a paginator iterated and a waiter waited from
//! synchronous code, and the clear error a blocking call gives inside an async runtime.

use rboto::blocking;
use rboto::ErrorKind;
use rboto_tests::moto::take_turn as session;
use std::time::Duration;

#[test]
fn the_seed_examples_without_async() {
    let s = session();
    let config = s.config();

    // s3.put_object(Body='Hello, world!', Bucket='my-bucket', Key='hello.txt')
    let s3 = rboto_s3::Client::new(&config);
    s3.create_bucket()
        .bucket("my-bucket")
        .send()
        .wait()
        .unwrap();
    s3.put_object()
        .body("Hello, world!")
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .wait()
        .unwrap();
    let object = s3
        .get_object()
        .bucket("my-bucket")
        .key("hello.txt")
        .send()
        .wait()
        .unwrap();
    let body = blocking::block_on(object.body.unwrap().collect())
        .unwrap()
        .unwrap();
    assert_eq!(&body[..], b"Hello, world!");

    // ec2.run_instances(ImageId='ami-abc123', InstanceType='t2.micro', MaxCount=1), plus the
    // MinCount botocore's model requires, then waiting for the instance to run.
    let ec2 = rboto_ec2::Client::new(&config);
    let reservation = ec2
        .run_instances()
        .image_id("ami-abc123")
        .instance_type("t2.micro")
        .min_count(1)
        .max_count(1)
        .send()
        .wait()
        .unwrap();
    let id = reservation.instances.unwrap()[0]
        .instance_id
        .clone()
        .unwrap();
    let running = blocking::block_on(
        ec2.describe_instances()
            .instance_ids(vec![id.clone()])
            .wait_until_instance_running()
            .delay(Duration::from_millis(50)),
    )
    .unwrap()
    .expect("instance runs");
    let state = running.unwrap().reservations.unwrap()[0]
        .instances
        .as_ref()
        .unwrap()[0]
        .state
        .clone()
        .unwrap();
    assert_eq!(state.name.unwrap().as_str(), "running");

    // dynamodb.list_tables(); print(tables['TableNames'])
    let dynamodb = rboto_dynamodb::Client::new(&config);
    let tables = dynamodb.list_tables().send().wait().unwrap();
    assert_eq!(tables.table_names, Some(vec![]));
}

#[test]
fn paginators_iterate_from_synchronous_code() {
    let s = session();
    let s3 = rboto_s3::Client::new(&s.config());
    s3.create_bucket().bucket("pages").send().wait().unwrap();
    for i in 0..5 {
        s3.put_object()
            .bucket("pages")
            .key(format!("k{i}"))
            .body("x")
            .send()
            .wait()
            .unwrap();
    }
    let pages = s3
        .list_objects_v2()
        .bucket("pages")
        .max_keys(2)
        .into_paginator()
        .into_stream();
    let mut sizes = Vec::new();
    for page in blocking::iter(pages).unwrap() {
        sizes.push(page.unwrap().contents.map_or(0, |c| c.len()));
    }
    assert_eq!(sizes, [2, 2, 1]);
}

#[test]
fn a_blocking_call_inside_an_async_runtime_is_an_error_not_a_panic() {
    let s = session();
    let sts = rboto_sts::Client::new(&s.config());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = runtime
        .block_on(async { sts.get_caller_identity().send().wait() })
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BlockingInAsync, "{err:?}");
    assert!(err.to_string().contains("GetCallerIdentity"), "{err}");
    // The same client works from synchronous code afterwards.
    let me = sts.get_caller_identity().send().wait().unwrap();
    assert!(me.account.is_some());
}
