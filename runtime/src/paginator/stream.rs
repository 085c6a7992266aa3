//! A paginator's pages, items and search results as [`Stream`]s.
//!
//! Each stream owns its paginator: between pages the paginator sits idle in the stream (where
//! [`PageStream::resume_token`] reads it), and while a page is on its way it is moved into the
//! boxed future that fetches the page, so no stream borrows from itself.

use super::{plain_path, slot_at, Paginator, RawPage};
use crate::client::OperationInput;
use crate::error::{Error, ErrorKind, RawModeled};
use crate::jmespath::{Expression, Json};
use crate::response::typed_output;
use crate::value::{FromValue, Value};
use futures_core::Stream;
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

type PageFuture<I> = Pin<Box<dyn Future<Output = (Paginator<I>, Option<RawPage>)> + Send>>;

/// Fetches raw pages one at a time for the streams below.
struct Driver<I> {
    idle: Option<Paginator<I>>,
    pending: Option<PageFuture<I>>,
}

impl<I: OperationInput + Clone + Send + 'static> Driver<I> {
    fn new(paginator: Paginator<I>) -> Self {
        Driver {
            idle: Some(paginator),
            pending: None,
        }
    }

    fn poll_raw(&mut self, cx: &mut Context<'_>) -> Poll<Option<RawPage>> {
        loop {
            if let Some(fetch) = self.pending.as_mut() {
                let (paginator, page) = ready!(fetch.as_mut().poll(cx));
                self.pending = None;
                self.idle = Some(paginator);
                return Poll::Ready(page);
            }
            let Some(mut paginator) = self.idle.take() else {
                return Poll::Ready(None);
            };
            self.pending = Some(Box::pin(async move {
                let page = paginator.next_raw_page().await;
                (paginator, page)
            }));
        }
    }
}

impl<I> Driver<I> {
    fn resume_token(&self) -> Option<&str> {
        self.idle.as_ref().and_then(|p| p.resume_token())
    }
}

impl<I: OperationInput + Clone + Send + 'static> Paginator<I> {
    /// The pages as a [`Stream`] of `Result<Output, Error>`, ending after an error.
    pub fn into_stream(self) -> PageStream<I> {
        PageStream {
            driver: Driver::new(self),
        }
    }

    /// The items of the first result key (`Contents` of S3's `ListObjectsV2`, `TableNames` of
    /// DynamoDB's `ListTables`) across pages, as a [`Stream`] of `T`, the type of the list's
    /// members in the output (`rboto_s3::types::Object`, `String`); a `T` that does not match
    /// them is an [`ErrorKind::ResponseParse`] error. `max_items` counts these items.
    ///
    /// botocore's `result_key_iters()[0]`. A result key that is not a path of member names is
    /// an error: use [`search`](Self::search) for those.
    pub fn into_items<T: FromValue>(self) -> ItemStream<I, T> {
        let key = self.state.spec.result_key.first().copied();
        let op = self.state.op;
        let path = match key.map(|k| (k, plain_path(k))) {
            Some((_, Some(path))) => Ok(path),
            Some((key, None)) => Err(format!(
                "the result key {key} of {} is not a path of member names; use search()",
                op.name
            )),
            None => Err(format!("{} has no result key", op.name)),
        };
        ItemStream {
            driver: Driver::new(self),
            path,
            buffer: VecDeque::new(),
            failed: false,
            _item: PhantomData,
        }
    }

    /// botocore's `PageIterator.search`: evaluates the JMESPath `expression` on each page and
    /// yields what it finds, a list's elements one by one (`Contents[].Key` yields each key).
    ///
    /// Unlike boto3, which yields `None` for a page the expression finds nothing in, `null`s
    /// are skipped, list elements included. An expression outside [`crate::jmespath`]'s subset
    /// is an [`ErrorKind::ParamValidation`] error, yielded first.
    pub fn search(self, expression: &str) -> SearchStream<I> {
        let op = self.state.op;
        let expression = Expression::parse(expression).map_err(|e| {
            Error::new(ErrorKind::ParamValidation, e.to_string()).with_context(op.name, None)
        });
        SearchStream {
            driver: Driver::new(self),
            expression: Some(expression),
            buffer: VecDeque::new(),
        }
    }
}

/// The pages of a [`Paginator`] as a [`Stream`]: [`Paginator::into_stream`].
pub struct PageStream<I> {
    driver: Driver<I>,
}

impl<I> PageStream<I> {
    /// [`Paginator::resume_token`], once the stream has ended (`None` while a page is being
    /// fetched).
    pub fn resume_token(&self) -> Option<&str> {
        self.driver.resume_token()
    }
}

// The paginator is only ever moved, never pinned: the future holding it is boxed.
impl<I> Unpin for PageStream<I> {}

impl<I: OperationInput + Clone + Send + 'static> Stream for PageStream<I> {
    type Item = Result<I::Output, Error<I::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let page = ready!(self.get_mut().driver.poll_raw(cx));
        Poll::Ready(page.map(|page| match page {
            Ok((value, metadata)) => typed_output(I::operation(), value, metadata),
            Err(e) => Err(e.into_typed()),
        }))
    }
}

impl<I> std::fmt::Debug for PageStream<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("paginator", &self.driver.idle)
            .finish()
    }
}

/// The items of a paginator's first result key as a [`Stream`]: [`Paginator::into_items`].
pub struct ItemStream<I, T> {
    driver: Driver<I>,
    path: Result<Vec<String>, String>,
    buffer: VecDeque<Value>,
    failed: bool,
    // `fn() -> T`: the stream holds no `T`, so it is `Send` and `Unpin` whatever `T` is.
    _item: PhantomData<fn() -> T>,
}

impl<I, T> ItemStream<I, T> {
    /// [`Paginator::resume_token`], once the stream has ended.
    pub fn resume_token(&self) -> Option<&str> {
        self.driver.resume_token()
    }
}

impl<I, T> Unpin for ItemStream<I, T> {}

impl<I: OperationInput + Clone + Send + 'static, T: FromValue> ItemStream<I, T> {
    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, Error<I::Error>>>> {
        let op = I::operation();
        let fail = |message: String| {
            Error::<RawModeled>::new(ErrorKind::ResponseParse, message)
                .with_context(op.name, None)
                .into_typed()
        };
        loop {
            if self.failed {
                return Poll::Ready(None);
            }
            let path = match &self.path {
                Ok(path) => path,
                Err(message) => {
                    self.failed = true;
                    return Poll::Ready(Some(Err(fail(message.clone()))));
                }
            };
            if let Some(item) = self.buffer.pop_front() {
                return Poll::Ready(Some(T::from_value(item).map_err(|e| {
                    self.failed = true;
                    fail(format!("unable to convert an item: {e}"))
                })));
            }
            let (mut page, _) = match ready!(self.driver.poll_raw(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e.into_typed()))),
                Some(Ok(page)) => page,
            };
            if let Some(Some(Value::List(items))) = slot_at(&mut page, op.output, path) {
                self.buffer.extend(std::mem::take(items));
            }
        }
    }
}

impl<I: OperationInput + Clone + Send + 'static, T: FromValue> Stream for ItemStream<I, T> {
    type Item = Result<T, Error<I::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_item(cx)
    }
}

impl<I, T> std::fmt::Debug for ItemStream<I, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItemStream")
            .field("paginator", &self.driver.idle)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

/// A JMESPath expression's results over a paginator's pages as a [`Stream`]:
/// [`Paginator::search`].
pub struct SearchStream<I> {
    driver: Driver<I>,
    /// `None` once an error has ended the stream.
    expression: Option<Result<Expression, Error<RawModeled>>>,
    buffer: VecDeque<Json>,
}

impl<I> SearchStream<I> {
    /// [`Paginator::resume_token`], once the stream has ended.
    pub fn resume_token(&self) -> Option<&str> {
        self.driver.resume_token()
    }
}

impl<I> Unpin for SearchStream<I> {}

impl<I: OperationInput + Clone + Send + 'static> SearchStream<I> {
    fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Json, Error<I::Error>>>> {
        let op = I::operation();
        loop {
            if let Some(found) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(found)));
            }
            let expression = match self.expression.take() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e.into_typed()))),
                Some(Ok(expression)) => expression,
            };
            let page = match self.driver.poll_raw(cx) {
                Poll::Pending => {
                    self.expression = Some(Ok(expression));
                    return Poll::Pending;
                }
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into_typed()))),
                Poll::Ready(Some(Ok((page, _)))) => page,
            };
            match expression.search(&page, op.output) {
                Ok(Json::Array(found)) => self.buffer.extend(found),
                Ok(found) => self.buffer.push_back(found),
                Err(e) => {
                    let e = Error::<RawModeled>::new(ErrorKind::ResponseParse, e.to_string())
                        .with_context(op.name, None);
                    return Poll::Ready(Some(Err(e.into_typed())));
                }
            }
            self.buffer.retain(|j| !j.is_null());
            self.expression = Some(Ok(expression));
        }
    }
}

impl<I: OperationInput + Clone + Send + 'static> Stream for SearchStream<I> {
    type Item = Result<Json, Error<I::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_result(cx)
    }
}

impl<I> std::fmt::Debug for SearchStream<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchStream")
            .field("paginator", &self.driver.idle)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}
