from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.bare.models import Row


class RowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Row
        fields = ["id", "prompt", "created_at"]


class RowList(APIView):
    def post(self, request):
        payload = RowSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        payload.save()
        return Response(payload.data, status=status.HTTP_201_CREATED)


class RowDetail(APIView):
    def get(self, request, pk):
        return Response(RowSerializer(get_object_or_404(Row, pk=pk)).data)


urlpatterns = [path("rows", RowList.as_view()), path("rows/<int:pk>", RowDetail.as_view())]
